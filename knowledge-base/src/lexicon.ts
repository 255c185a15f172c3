/**
 * The maintained word lists the matcher relies on: the government user dictionary for segmentation,
 * synonym groups folded to one canonical form, and the function words that carry no topic.
 *
 * Editing guide: add a term a caller says that jieba splits wrongly to GOVERNMENT_TERMS; add a group to
 * SYNONYM_GROUPS when two ways of saying the same thing should match (first item is the canonical form,
 * the longest phrasing wins when several overlap). Keep groups tight: a synonym that is only sometimes
 * equivalent makes look-alike questions match, which is worse than a missed match (it hands off).
 */

/** Terms of government services that must stay one word when segmenting. */
export const GOVERNMENT_TERMS: readonly string[] = [
  '公积金', '住房公积金', '公积金贷款', '公积金提取', '居住证', '暂住证', '不动产登记', '不动产权证', '不动产',
  '房产证', '营业执照', '个体工商户', '社保卡', '社会保障卡', '医保卡', '医保', '社保', '养老保险', '医疗保险',
  '失业保险', '工伤保险', '生育保险', '生育津贴', '失业金', '退休金', '养老金', '户口本', '户口簿', '身份证',
  '临时身份证', '出入境', '护照', '港澳通行证', '台湾通行证', '签注', '驾驶证', '驾照', '行驶证', '违章', '交通违法',
  '违停', '罚单', '年检', '异地就医', '异地备案', '门诊统筹', '大病保险', '电子社保卡', '电子医保凭证', '个税',
  '个人所得税', '专项附加扣除', '发票', '增值税', '纳税人', '契税', '完税证明', '低保', '特困', '残疾证', '结婚登记',
  '离婚登记', '婚姻登记', '出生证明', '入学', '学区', '划片', '积分入学', '随迁子女', '廉租房', '公租房', '保障房',
  '人才公寓', '住房补贴', '租房补贴', '城管', '占道经营', '噪音扰民', '噪声', '施工噪音', '燃气', '天然气', '自来水',
  '停水', '停电', '水费', '电费', '燃气费', '物业', '维修基金', '住房维修资金', '落户', '迁户口', '户口迁移',
  '准迁证', '一网通办', '12345', '政务服务', '办事大厅', '政务服务中心', '网上办', '掌上办', '无犯罪记录证明',
  '灵活就业', '就业登记', '失业登记', '劳动仲裁', '欠薪', '拖欠工资', '农民工', '退役军人', '高龄津贴', '养老服务',
  '流浪乞讨', '殡葬', '骨灰', '犬证', '养犬登记', '电动自行车', '上牌', '车牌', '网约车', '出租车',
];

/**
 * Synonym groups, canonical form first. Government phrasings come first, then the everyday question words
 * that callers swap freely (如何 / 怎么 / 怎样) — those matter most for paraphrases.
 */
export const SYNONYM_GROUPS: readonly (readonly string[])[] = [
  ['户口', '户籍'],
  ['户口本', '户口簿', '户籍簿'],
  ['社保', '社会保险'],
  ['社保卡', '社会保障卡'],
  ['医保', '医疗保险', '基本医疗保险'],
  ['公积金', '住房公积金'],
  ['驾驶证', '驾照', '驾驶执照'],
  ['身份证', '居民身份证'],
  ['营业执照', '工商执照'],
  ['违章', '交通违法', '违法记录'],
  ['不动产权证', '房产证', '房本', '房屋所有权证'],
  ['养老金', '退休金', '退休工资'],
  ['失业金', '失业保险金'],
  ['个税', '个人所得税'],
  ['噪音', '噪声'],
  ['燃气', '天然气', '煤气'],
  ['停电', '断电'],
  ['停水', '断水'],
  ['自来水', '供水'],
  ['落户', '上户口', '入户'],
  ['迁户口', '户口迁移', '迁移户口'],
  ['护照', '出国护照'],
  ['补办', '重新办理', '重办'],
  ['办理', '申办', '办'],
  ['怎么办理', '如何办理', '怎样办理', '怎么办', '咋办', '如何办', '怎样办'],
  ['怎么', '如何', '怎样', '咋', '怎么样才能', '如何才能', '怎样才能', '怎么才能'],
  ['什么', '啥', '什么样'],
  ['为什么', '为啥', '为何', '怎么会'],
  ['哪里', '哪儿', '何处', '什么地方', '哪个地方'],
  ['多少钱', '什么价格', '什么价', '价格多少', '多少元'],
  ['什么时候', '啥时候', '何时', '哪天'],
  ['可以', '能够', '能', '可'],
  ['需要', '要', '得要'],
  ['手续', '流程', '步骤'],
  ['材料', '资料'],
  ['电话', '联系方式', '联系电话'],
  ['投诉', '举报'],
  ['手机', '手机号'],
  ['电脑', '计算机'],
  ['好看', '好看点'],
  ['谢谢', '感谢', '多谢'],
];

/**
 * Function words and politeness that say nothing about the topic. They still count for the character
 * channels (which is how "怎么 vs 为什么" differences are seen), only the word channel drops them.
 */
export const STOP_WORDS: ReadonlySet<string> = new Set([
  '的', '了', '吗', '呢', '啊', '呀', '吧', '嘛', '哦', '哈', '么', '是', '在', '有', '和', '与', '及', '或', '就', '都',
  '也', '还', '又', '很', '我', '你', '您', '他', '她', '它', '我们', '你们', '他们', '这', '那', '这个', '那个', '一个',
  '1个', '个', '请问', '请', '问', '问一下', '一下', '谢谢', '求', '求助', '急', '大家', '知道', '谁知道', '想', '想要',
  '着', '过', '被', '把', '给', '让', '对', '从', '到', '吗?', '之', '其', '得', '地', '一', '上', '下', '里', '中',
  '不知道', '请教', '帮忙', '麻烦', '各位', '高手', '朋友', '亲', '在线等', '跪求', '哪位',
]);

/** Words that turn a statement around; a different count on each side is a sign of a different question. */
export const NEGATION_WORDS: readonly string[] = ['不', '没', '无', '非', '别', '未', '勿', '莫', '否'];

/**
 * Question types. Two questions about one thing that ask different things (what is X / how to use X /
 * where is X) are the commonest look-alikes, so the matcher compares these.
 */
export const QUESTION_TYPES: readonly (readonly [string, readonly string[]])[] = [
  ['why', ['为什么']],
  ['how', ['怎么', '办法', '方法', '技巧', '攻略']],
  ['what', ['什么', '哪些', '是啥', '意思', '叫啥']],
  ['where', ['哪里', '哪家', '在哪', '地址']],
  ['when', ['什么时候', '几点', '多久', '多长时间', '时间']],
  ['howmuch', ['多少', '几', '价格', '费用', '多大', '多高', '多重', '多远']],
  ['who', ['谁', '哪位']],
  ['which', ['哪个', '哪种', '哪款', '哪一']],
  ['yesno', ['吗', '是否', '能不能', '可不可以', '会不会', '有没有', '是不是', '要不要']],
  ['good', ['好不好', '怎么样', '好吗', '好用', '值得']],
];

/**
 * Opposites that turn one question into another while sharing almost every character (左嘴角 / 右嘴角,
 * 买房 / 卖房). Only pairs where either word alone is common in questions; the pair feature fires when each
 * side has one of the two and not the other.
 */
export const ANTONYM_PAIRS: readonly (readonly [string, string])[] = [
  ['左', '右'], ['上', '下'], ['前', '后'], ['内', '外'], ['东', '西'], ['南', '北'], ['男', '女'], ['大', '小'],
  ['多', '少'], ['高', '低'], ['长', '短'], ['新', '旧'], ['买', '卖'], ['进', '出'], ['开', '关'], ['冷', '热'],
  ['快', '慢'], ['早', '晚'], ['胖', '瘦'], ['增', '减'], ['加', '减'], ['借', '还'], ['收', '发'], ['白天', '晚上'],
  ['公', '母'], ['入', '退'], ['升', '降'], ['好', '坏'], ['对', '错'], ['真', '假'], ['轻', '重'], ['老', '少'],
];
