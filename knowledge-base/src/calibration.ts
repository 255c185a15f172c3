/**
 * Fitted constants of the scorer. Written by knowledge-base/tools/fit-calibration.ts (see that file for how
 * they are fitted) on lcqmc/dev.tsv; hand edits are overwritten.
 * Cross-validated there: right decisions 66.6%, top-1 52.8%, recall@5 99.0%.
 */
export const CALIBRATION = {
  /** Pair model: logistic weights over FEATURE_NAMES (features.ts), then the bias. */
  pairWeights: [1.1523, 3.6984, 3.4063, 0.949, -1.0136, 1.0491, -1.3495, -0.1529, -0.6895, -0.5127, 0.8861, -0.879, 0.2793, 0.1822, -0.411, 0.0049, 0.0902, 0.9302, 1.3565, -0.1038, 4.2273, 3.5543, 0.7798, 0.6972, 0.4161] as readonly number[],
  pairBias: -15.5877,
  /** Confidence model over [pair logit, margin to the best other entry], then the bias. */
  confidenceWeights: [0.6914, 0.0577] as readonly number[],
  confidenceBias: 0.0851,
  /** Confidence at or above which the bot answers. */
  answerAt: 0.46,
  /** Confidence at or above which the bot suggests (below it hands off to a human). */
  suggestAt: 0.195,
} as const;
