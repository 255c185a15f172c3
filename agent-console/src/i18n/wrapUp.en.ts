/** Wrap-up code management (admins) and the wrap-up choice hints: mounted at `wrapUp` in en.ts. */
import type { wrapUpZh } from './wrapUp.zh-CN.ts';

type Strings<T> = { [K in keyof T]: T[K] extends string ? string : Strings<T[K]> };

export const wrapUpEn: Strings<typeof wrapUpZh> = {
  nav: 'Wrap-up codes',
  home: 'Keep the codes agents choose after each call: add, rename, reorder, retire (calls keep their code).',
  title: 'Wrap-up codes',
  description: 'After every call the agent must choose a code before leaving wrap-up; a wrap-up that times out is recorded as "Not chosen". A retired code is no longer offered; calls already coded keep it.',
  add: 'Add code',
  edit: 'Edit',
  retire: 'Retire',
  restore: 'Restore',
  save: 'Save',
  cancel: 'Cancel',
  saved: 'Saved',
  code: 'Code',
  codeHelp: '2–40 lowercase letters, digits or _, starting with a letter; fixed once saved',
  labelZh: 'Chinese name',
  labelEn: 'English name',
  sortOrder: 'Order',
  status: 'Status',
  active: 'In use',
  inactive: 'Retired',
  system: 'Platform code',
  updatedAt: 'Updated',
  required: 'Choose a code for this call; you cannot go available or on break before you do, and a timeout records "Not chosen".',
  loadFailed: 'Could not load the wrap-up codes',
};
