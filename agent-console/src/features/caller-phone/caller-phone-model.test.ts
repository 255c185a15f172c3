import { expect } from 'chai';
import { callStatus, isCallerSide, isHeard, type PhoneEvent } from './caller-phone-model.ts';

describe('caller phone model', () => {
  const step = (kind: string): PhoneEvent => ({ callSid: 'CA1', event: 'step', kind, text: kind });

  it('follows the call from dialling to the end', () => {
    expect(callStatus(true, null, [])).to.equal('dialling');
    expect(callStatus(false, null, [])).to.equal('idle');
    expect(callStatus(false, 'CA1', [step('dialled'), step('heard')])).to.equal('inCall');
    expect(callStatus(false, 'CA1', [step('heard'), step('ended')])).to.equal('ended');
    expect(callStatus(false, 'CA1', [{ callSid: 'CA1', event: 'end', status: 'completed' }])).to.equal('ended');
  });

  it('puts prompts on the hotline’s side and keys or speech on the caller’s', () => {
    expect(isHeard(step('heard'))).to.equal(true);
    expect(isHeard(step('pressed'))).to.equal(false);
    expect(isCallerSide(step('pressed'))).to.equal(true);
    expect(isCallerSide(step('said'))).to.equal(true);
    expect(isCallerSide(step('queued'))).to.equal(false);
  });
});
