/** What the bot says, in both languages. Kept apart from the logic so wording can change without touching it. */
type Lang = 'zh-CN' | 'en';
type Params = Record<string, string | number>;

const phrases = {
  greeting: {
    'zh-CN': '您好，我是 12345 智能客服。请直接输入您的问题，例如“公积金怎么提取”。随时输入“转人工”可留言给人工客服；发送工单编号和登记手机号后四位可查询办理进度。',
    en: 'Hello, this is the 12345 hotline assistant. Ask your question, for example “how do I withdraw my housing fund”. Type “agent” at any time to leave a request for a person, or send a ticket number with the last four digits of your phone to check its progress.',
  },
  empty: { 'zh-CN': '请输入您的问题。', en: 'Please type your question.' },
  noWords: { 'zh-CN': '我没能看懂这条消息，请用文字描述您的问题。', en: 'I could not read a question in that message; please describe it in words.' },
  emptySpoken: { 'zh-CN': '抱歉，我没有听清，请再说一遍您的问题。', en: 'Sorry, I did not catch that. Please say your question again.' },
  tooLong: {
    'zh-CN': '您的消息较长（{length} 字），我只读取了前 {limit} 字来查找答案；完整内容已记录。',
    en: 'Your message is long ({length} characters); I read the first {limit} to find an answer. The whole message is kept.',
  },
  cancelled: { 'zh-CN': '好的，已取消。请问还有什么可以帮您？', en: 'OK, cancelled. What else can I help with?' },
  handoffWeb: {
    'zh-CN': '好的，为您转人工服务。请描述您的诉求（事项、地点等），并留下联系电话，我们会生成工单并尽快联系您。输入“取消”可返回。',
    en: 'OK, a person will help you. Please describe your request (what and where) and leave a phone number; we will open a ticket and contact you. Type “cancel” to go back.',
  },
  handoffSms: {
    'zh-CN': '好的，为您转人工服务。请直接回复您的诉求（事项、地点等），我们会生成工单并联系本机号码。回复“取消”可返回。',
    en: 'OK, a person will help you. Reply with your request (what and where); we will open a ticket and contact this number. Reply “cancel” to go back.',
  },
  handoffPhone: { 'zh-CN': '好的，正在为您转接人工坐席，请稍候。', en: 'OK, connecting you to an agent, please hold.' },
  askPhone: {
    'zh-CN': '已记下您的诉求。请留下联系电话（手机号），方便工作人员联系您；如不方便留电话，请回复“不留”。',
    en: 'Noted. Please leave a phone number so we can contact you, or reply “no phone”.',
  },
  requestTicketed: {
    'zh-CN': '已为您生成工单，编号 {number}。工作人员会尽快处理，您可以发送工单编号和手机号后四位查询进度。',
    en: 'Your request is ticket {number}. Staff will handle it soon; send the ticket number and the last four digits of your phone to check progress.',
  },
  requestStored: {
    'zh-CN': '已记录您的诉求，工作人员会尽快联系您。',
    en: 'Your request has been recorded; staff will contact you soon.',
  },
  askStatus: {
    'zh-CN': '请发送工单编号和登记手机号的后四位，例如：1234520250101000001 1234',
    en: 'Please send the ticket number and the last four digits of the phone number it was registered with, e.g. 1234520250101000001 1234',
  },
  askLastFour: { 'zh-CN': '请发送登记手机号的后四位数字。', en: 'Please send the last four digits of the phone number the ticket was registered with.' },
  status: {
    'zh-CN': '工单 {number} 当前状态：{state}（更新于 {updated}）。',
    en: 'Ticket {number} is now: {state} (updated {updated}).',
  },
  statusNotFound: {
    'zh-CN': '没有找到与该手机尾号匹配的工单，请核对工单编号和手机号后四位后重试。',
    en: 'No ticket matches that number and those last four digits; please check both and try again.',
  },
  statusLocked: {
    'zh-CN': '查询失败次数过多，请稍后再试，或拨打 12345 人工查询。',
    en: 'Too many failed lookups; please try later or call 12345.',
  },
  choices: { 'zh-CN': '您是想问哪一个？\n{list}\n请回复序号（如“1”）。', en: 'Which one do you mean? (our answers are in Chinese)\n{list}\nReply with the number.' },
  choicesSpoken: { 'zh-CN': '您是想问：{list}。请说出序号。', en: 'Did you mean: {list}. Please say the number.' },
  confirm: {
    'zh-CN': '您是想问“{question}”吗？回复“1”或“是”查看答案；不是的话可以换个说法，或回复“转人工”。',
    en: 'Did you mean “{question}”? (our answers are in Chinese) Reply 1 or yes for the answer; otherwise rephrase, or type “agent”.',
  },
  confirmSpoken: { 'zh-CN': '您是想问{question}吗？是的话请说“是”。', en: 'Did you mean {question}? Say yes if so.' },
  answerEnglish: {
    'zh-CN': '{answer}',
    en: 'Our knowledge base answers in Chinese. The closest entry is “{question}”:\n{answer}\nType “agent” to leave a request for a person.',
  },
  answerSmsTail: { 'zh-CN': '\n（回复“转人工”可留言人工处理）', en: '\n(Reply “agent” to leave a request for a person.)' },
  unanswered: {
    'zh-CN': '抱歉，我暂时没有找到相关答案。您可以换个说法再问，或回复“转人工”留下诉求，由工作人员处理。',
    en: 'Sorry, I could not find an answer. Our knowledge base is in Chinese: try asking in Chinese, or type “agent” to leave a request for a person.',
  },
  notHeardHandoff: { 'zh-CN': '抱歉，还是没有听清，正在为您转接人工坐席，请稍候。', en: 'Sorry, I still could not hear you. Connecting you to an agent, please hold.' },
  lowConfidenceHandoff: { 'zh-CN': '抱歉，我没能听清您的问题，正在为您转接人工坐席，请稍候。', en: 'Sorry, I could not make out your question. Connecting you to an agent, please hold.' },
  unansweredSpoken: { 'zh-CN': '抱歉，我没有找到答案，正在为您转接人工坐席，请稍候。', en: 'Sorry, I could not find an answer. Connecting you to an agent, please hold.' },
  smsRateLimited: {
    'zh-CN': '您发送短信过于频繁，请稍后再试。如有紧急情况请拨打 12345。',
    en: 'You are sending messages too fast; please try later. For urgent matters call 12345.',
  },
  liveWaiting: {
    'zh-CN': '正在为您接入人工客服，请稍候。等候期间您可以先描述诉求；如 {minutes} 分钟内无人接入，将为您转为留言并生成工单。',
    en: 'Connecting you to an agent, please wait. You may describe your request meanwhile; if nobody joins within {minutes} minutes, it becomes a request and a ticket.',
  },
  liveNone: {
    'zh-CN': '目前没有空闲的人工客服。请描述您的诉求并留下联系电话，我们会生成工单并尽快联系您。',
    en: 'No agent is free right now. Please describe your request and leave a phone number; we will open a ticket and contact you.',
  },
  liveJoined: { 'zh-CN': '人工客服 {agent} 已接入，请问有什么可以帮您？', en: 'Agent {agent} has joined. How can we help?' },
  liveEnded: {
    'zh-CN': '人工客服已结束本次对话，感谢您的咨询。如还有问题，可以继续向智能客服提问。',
    en: 'The agent has ended the conversation. Thank you. You may keep asking the assistant.',
  },
  liveLeft: { 'zh-CN': '您已结束与人工客服的对话。', en: 'You ended the conversation with the agent.' },
  liveFallback: {
    'zh-CN': '暂时没有人工客服接入。请描述您的诉求并留下联系电话，我们会生成工单并尽快联系您。',
    en: 'No agent could join. Please describe your request and leave a phone number; we will open a ticket and contact you.',
  },
  liveFallbackWithText: {
    'zh-CN': '暂时没有人工客服接入，您等候时留下的内容已记下。请留下联系电话（手机号），我们会生成工单并尽快联系您；如不方便留电话，请回复“不留”。',
    en: 'No agent could join; what you wrote while waiting is kept. Please leave a phone number so we can open a ticket and contact you, or reply “no phone”.',
  },
  feedbackThanks: { 'zh-CN': '感谢您的反馈！', en: 'Thank you for your feedback!' },
} satisfies Record<string, Record<Lang, string>>;

export type PhraseKey = keyof typeof phrases;

export function phrase(key: PhraseKey, language: Lang, params: Params = {}): string {
  return phrases[key][language].replace(/\{(\w+)\}/g, (_, name: string) => String(params[name] ?? `{${name}}`));
}
