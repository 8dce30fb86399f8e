import type { PlaceholderDeclaration } from '../templates/placeholders';
import { answersFor, messagePlaceholderProblems } from './playbook-message';

const declared: PlaceholderDeclaration[] = [
  { name: 'service', description: 'What is down', required: true },
  { name: 'eta', description: 'Next update', required: true },
  { name: 'note', description: 'Anything else', required: false },
];

describe('playbook message placeholders', () => {
  it('accepts required placeholders given in advance or prompted, optional ones left out', () => {
    expect(messagePlaceholderProblems('messages[0]', { values: { service: 'Checkout' }, prompts: ['eta'] }, declared)).toEqual([]);
  });

  it('names a required placeholder neither given nor prompted', () => {
    expect(messagePlaceholderProblems('messages[0]', { values: { service: 'Checkout' }, prompts: [] }, declared)).toEqual([
      'messages[0]: placeholder eta is required (Next update): give it in values or list it in prompts',
    ]);
  });

  it('names unknown values and prompts, and a placeholder both given and prompted', () => {
    expect(
      messagePlaceholderProblems('messages[1]', { values: { service: 'x', eta: 'soon', region: 'EU' }, prompts: ['eta', 'severity'] }, declared),
    ).toEqual([
      'messages[1].prompts lists eta, which values already gives: keep one',
      'messages[1].values.region is not a placeholder of the template version; it declares service, eta, note',
      'messages[1].prompts lists severity, which is not a placeholder of the template version; it declares service, eta, note',
    ]);
  });

  it('takes only the answers to its own prompts', () => {
    expect(answersFor({ values: { service: 'Checkout' }, prompts: ['eta'] }, { eta: '14:00', note: 'ignored here' })).toEqual({
      service: 'Checkout',
      eta: '14:00',
    });
  });
});
