/** Live web chat messages in English; keys mirror `liveChat.zh-CN.ts`. */
import type { liveChatZh } from './liveChat.zh-CN.ts';

export const liveChatEn: typeof liveChatZh = {
  nav: 'Live chat',
  home: 'Citizens waiting for a person in the web chat: take the chat, read the history, reply',
  title: 'Live chat',
  description: 'Citizens who chose “wait for an agent” in the web chat appear here. Once you take a chat you see the whole conversation with the assistant; a chat nobody takes within 2 minutes becomes a request and a ticket.',
  queue: 'Waiting and in progress',
  empty: 'Nobody is waiting for an agent',
  agentsAvailable: '{{count}} agents free',
  state: { waiting: 'Waiting', connected: 'In progress', ended: 'Ended' },
  mine: 'Mine',
  takenBy: 'With {{name}}',
  waitingSince: 'Waiting since {{time}}',
  accept: 'Take',
  open: 'Open',
  pick: 'Choose a chat on the left',
  replyPlaceholder: 'Type a reply; Enter sends, Shift+Enter for a new line',
  send: 'Send',
  end: 'End chat',
  endConfirm: 'The citizen goes back to the assistant. End the chat?',
  ended: 'The chat has ended',
  accepted: 'Chat taken',
  role: { user: 'Citizen', bot: 'Assistant', agent: 'Agent' },
  firstQuestion: 'First question',
  writtenWhileWaiting: 'Written while waiting',
};
