/**
 * The offer model: when the bot does not answer, which entries to offer ("您是想问…") rather than hand off
 * (matcher.ts offerFrom). Written by knowledge-base/tools/fit-offer.ts (see there for how) on the sample content's
 * phrasings and LCQMC's everyday questions; hand edits are overwritten. Held out (2-fold): right entry offered
 * 59.2% / 64.1%; handed off: on-topic questions no entry answers 33.9% / 33.2%, everyday ones 97.4% / 98.0%.
 */
export const OFFER_CALIBRATION = {
  /** Logistic weights over matcher.ts describeOffer (related logit, lead, rarest shared word, heaviest missing word). */
  weights: [0.7379, 0.3191, 0.7195, -0.5074] as readonly number[],
  bias: 1.5429,
  /** A candidate rated at this or more may be offered. */
  offerAt: 0.045,
} as const;
