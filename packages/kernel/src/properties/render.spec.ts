import { describe, expect, it } from 'vitest';
import type { PropertyDescriptor } from '../descriptor/driver-descriptor.js';
import { maskSecrets, SECRET_MASK } from './mask.js';
import { renderForm } from './render.js';

const descriptor: readonly PropertyDescriptor[] = [
  {
    key: 'host',
    labelKey: 'host.label',
    descriptionKey: 'host.description',
    type: 'string',
    required: true,
    maxLength: 255,
  },
  { key: 'port', labelKey: 'port.label', type: 'number', default: 443 },
  {
    key: 'pw',
    labelKey: 'pw.label',
    descriptionKey: 'pw.description',
    type: 'string',
    secret: true,
    default: 'admin',
  },
];
const messages = {
  en: { 'host.label': 'Host', 'host.description': 'Address', 'pw.label': 'Password' },
  fr: { 'host.label': 'Hôte' },
};

describe('renderForm', () => {
  it('renders fields in order with resolved labels, falling back to en then the key', () => {
    expect(renderForm(descriptor, messages, 'fr')).toEqual([
      {
        key: 'host',
        label: 'Hôte',
        description: 'Address',
        type: 'string',
        required: true,
        maxLength: 255,
        masked: false,
      },
      {
        key: 'port',
        label: 'port',
        description: '',
        type: 'number',
        required: false,
        default: 443,
        masked: false,
      },
      {
        key: 'pw',
        label: 'Password',
        description: 'pw.description',
        type: 'string',
        required: false,
        default: SECRET_MASK,
        masked: true,
      },
    ]);
  });

  it('renders with no messages at all', () => {
    expect(renderForm(descriptor, undefined, 'en').map((f) => f.label)).toEqual([
      'host',
      'port',
      'pw',
    ]);
  });
});

describe('maskSecrets', () => {
  it.each([
    [
      { host: 'h', pw: 'secret' },
      { host: 'h', pw: SECRET_MASK },
    ],
    [{ host: 'h' }, { host: 'h' }],
    [
      { host: 'h', pw: undefined },
      { host: 'h', pw: undefined },
    ],
    [
      { host: 'h', stray: 'x' },
      { host: 'h', stray: SECRET_MASK },
    ],
  ])('masks %j as %j', (bag, expected) => {
    const masked = maskSecrets(descriptor, bag);
    expect(masked).toEqual(expected);
    expect(Object.isFrozen(masked)).toBe(true);
  });
});
