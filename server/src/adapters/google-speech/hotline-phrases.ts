/**
 * Phrases callers to a 12345 line say often and a general model gets wrong (numbers read as digits,
 * policy words that sound like everyday words). Sent with every request as a speech context; callers
 * add their own (street names, the department a call was transferred from) through `hints`.
 */
export const HOTLINE_PHRASES: readonly string[] = [
  '12345',
  '12345热线',
  '政务服务便民热线',
  '公积金',
  '住房公积金',
  '社保',
  '社保卡',
  '医保',
  '养老保险',
  '失业保险',
  '居住证',
  '户口',
  '不动产登记',
  '营业执照',
  '物业',
  '拖欠工资',
  '噪音扰民',
  '占道经营',
  '投诉',
  '举报',
  '咨询',
  '回访',
  '工单',
];
