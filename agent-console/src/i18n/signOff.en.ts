/** Warnings before an agent signs off or signs out with call work open, English: mounted at `signOff` in en.ts. */
import type { signOffZh } from './signOff.zh-CN.ts';

type Strings<T> = { [K in keyof T]: T[K] extends string ? string : Strings<T[K]> };

export const signOffEn: Strings<typeof signOffZh> = {
  signOut: 'Sign out',
  offline: 'Go offline',
  cancel: 'Cancel',
  unselectedWrapUp: {
    title: 'No wrap-up code chosen for this call yet',
    signOut: 'If you sign out now, this call’s wrap-up code is recorded as "Not chosen" (it counts in the wrap-up report). To choose a code, cancel and choose it in the wrap-up window first.',
    offline: 'If you go offline now, this call’s wrap-up code is recorded as "Not chosen" (it counts in the wrap-up report). To choose a code, cancel and choose it in the wrap-up window first.',
  },
  onCall: {
    title: 'You are on a call',
    signOut: 'Signing out takes you offline at once: no more calls are offered to you. This page’s softphone closes, which may cut the call. No wrap-up follows the call and its code is recorded as "Not chosen". Better end the call first.',
    offline: 'You cannot go offline during a call; end the call first.',
  },
};
