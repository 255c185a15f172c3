/**
 * The linear pair model the engine shipped with before the boosted trees (fitted on lcqmc/dev.tsv over the
 * first 25 FEATURE_NAMES; held out: right decisions 66.7%, top-1 52.8%, recall@5 99.0%). The trees
 * (calibration.ts) are the default now; this model has two jobs left: it is the "related" score of the
 * decision layer's suggest band (matcher.ts `match`: smoother than the trees, it keeps a topic or a ticket
 * description's entries on offer, never answering by itself), and the whole scorer with
 * createMatcher(entries, { model: 'linear' }) or the CLI's --model linear.
 */
export const LINEAR_CALIBRATION = {
  /** Logistic weights over FEATURE_NAMES (features.ts, the first 25), then the bias. */
  pairWeights: [1.1523, 3.6984, 3.4063, 0.949, -1.0136, 1.0491, -1.3495, -0.1529, -0.6895, -0.5127, 0.8861, -0.879, 0.2793, 0.1822, -0.411, 0.0049, 0.0902, 0.9302, 1.3565, -0.1038, 4.2273, 3.5543, 0.7798, 0.6972, 0.4161] as readonly number[],
  pairBias: -15.5877,
  /** Confidence model over [pair logit, margin to the best other entry], then the bias. */
  confidenceWeights: [0.6914, 0.0577] as readonly number[],
  confidenceBias: 0.0851,
  answerAt: 0.46,
  suggestAt: 0.195,
  /** Entries re-ranked per query with this model. */
  rerankDepth: 20,
} as const;
