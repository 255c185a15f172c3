/**
 * The optional ring tone: two short beeps every two seconds through the Web Audio API (no audio file to
 * ship). Browsers allow sound only after the page has had a click; an agent has clicked "available" by
 * then, and a refused context simply stays silent. The choice persists per browser.
 */
const RING_KEY = 'hotline.softphone.beep';

export function ringToneEnabled(): boolean {
  try {
    return globalThis.localStorage?.getItem(RING_KEY) !== 'off';
  } catch {
    return true;
  }
}

export function setRingToneEnabled(on: boolean): void {
  try {
    globalThis.localStorage?.setItem(RING_KEY, on ? 'on' : 'off');
  } catch {
    // Not remembered; the switch still applies now.
  }
}

/** Starts ringing; the returned function stops it. */
export function startRingTone(): () => void {
  const AudioContextClass = globalThis.AudioContext as typeof AudioContext | undefined;
  if (!AudioContextClass) return () => {};
  let context: AudioContext;
  try {
    context = new AudioContextClass();
  } catch {
    return () => {};
  }
  const beep = (offset: number) => {
    const oscillator = context.createOscillator();
    const gain = context.createGain();
    oscillator.frequency.value = 880;
    gain.gain.value = 0.08;
    oscillator.connect(gain).connect(context.destination);
    const at = context.currentTime + offset;
    oscillator.start(at);
    oscillator.stop(at + 0.25);
  };
  const ring = () => {
    if (context.state === 'suspended') void context.resume().catch(() => undefined);
    beep(0);
    beep(0.4);
  };
  ring();
  const timer = setInterval(ring, 2000);
  return () => {
    clearInterval(timer);
    void context.close().catch(() => undefined);
  };
}
