import { expect } from 'chai';
import { en } from '../../i18n/en.ts';
import { zhCN } from '../../i18n/zh-CN.ts';
import type { Call } from '../calls/types.ts';
import { signOffMessageKeys, signOffWarning, type SignOffAction } from './sign-off-warning.ts';

const inWrapUp = { state: 'wrap_up' as const };
const call = (wrapUpCode: string | null) => ({ call: { id: 'c1', wrapUpCode } as Call });

/** The text at a dotted key of a message tree, or undefined. */
function lookup(tree: unknown, key: string): unknown {
  return key.split('.').reduce<unknown>((node, part) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[part] : undefined), tree);
}

describe('softphone: warnings before signing off', () => {
  it('warns that 未选择 will be recorded only in wrap-up with no code on the call', () => {
    expect(signOffWarning(inWrapUp, call(null))).to.equal('unselectedWrapUp');
    expect(signOffWarning(inWrapUp, call('help')), 'a code was chosen').to.equal(null);
    expect(signOffWarning(inWrapUp, { call: null }), 'no call to code').to.equal(null);
  });

  it('warns on a call, and not when available, on a break, ringing or offline', () => {
    expect(signOffWarning({ state: 'on_call' }, null)).to.equal('onCall');
    for (const state of ['available', 'break', 'ringing', 'offline'] as const) expect(signOffWarning({ state }, call(null)), state).to.equal(null);
    expect(signOffWarning(null, null), 'not an agent').to.equal(null);
  });

  it('has every confirmation text in zh-CN and English, naming 未选择 where it is recorded', () => {
    for (const warning of ['unselectedWrapUp', 'onCall'] as const) {
      for (const action of ['signOut', 'offline'] as SignOffAction[]) {
        for (const key of Object.values(signOffMessageKeys(warning, action))) {
          expect(lookup(zhCN, key), `zh-CN ${key}`).to.be.a('string').and.not.equal('');
          expect(lookup(en, key), `en ${key}`).to.be.a('string').and.not.equal('');
        }
      }
    }
    expect(lookup(zhCN, signOffMessageKeys('unselectedWrapUp', 'signOut').content)).to.contain('未选择');
    expect(lookup(en, signOffMessageKeys('unselectedWrapUp', 'offline').content)).to.contain('Not chosen');
  });
});
