/** Logistic regression for the fitting tools (fit-calibration.ts, fit-offer.ts): small, dense, Newton steps. */

export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/** Solves A x = b by Gaussian elimination with partial pivoting (A is small and symmetric positive). */
function solve(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i] as number]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(m[r]![col]!) > Math.abs(m[pivot]![col]!)) pivot = r;
    [m[col], m[pivot]] = [m[pivot]!, m[col]!];
    const p = m[col]![col]!;
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const f = m[r]![col]! / p;
      for (let c = col; c <= n; c++) m[r]![c]! -= f * m[col]![c]!;
    }
  }
  return m.map((row, i) => row[n]! / row[i]!);
}

/** L2-regularised logistic regression; the last weight returned is the bias (not regularised). */
export function fitLogistic(xs: readonly number[][], ys: readonly number[], lambda = 1, iterations = 25): number[] {
  const d = (xs[0]?.length ?? 0) + 1;
  let w = new Array<number>(d).fill(0);
  for (let it = 0; it < iterations; it++) {
    const grad = new Array<number>(d).fill(0);
    const hess = Array.from({ length: d }, () => new Array<number>(d).fill(0));
    for (let i = 0; i < xs.length; i++) {
      const x = [...(xs[i] as number[]), 1];
      let z = 0;
      for (let j = 0; j < d; j++) z += (w[j] as number) * (x[j] as number);
      const p = sigmoid(z);
      const err = p - (ys[i] as number);
      const s = p * (1 - p) + 1e-9;
      for (let j = 0; j < d; j++) {
        grad[j]! += err * x[j]!;
        const sx = s * x[j]!;
        for (let k = j; k < d; k++) hess[j]![k]! += sx * x[k]!;
      }
    }
    for (let j = 0; j < d; j++) {
      for (let k = 0; k < j; k++) hess[j]![k] = hess[k]![j]!;
      if (j < d - 1) {
        grad[j]! += lambda * w[j]!;
        hess[j]![j]! += lambda;
      }
    }
    const step = solve(hess, grad);
    w = w.map((v, j) => v - step[j]!);
    if (Math.max(...step.map(Math.abs)) < 1e-6) break;
  }
  return w;
}
