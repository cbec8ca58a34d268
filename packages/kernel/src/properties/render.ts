import type { PropertyDescriptor } from '../descriptor/driver-descriptor.js';
import { type MessageCatalog, resolveMessage } from '../messages/messages.js';
import type { FormField } from '../summaries/driver-summary.js';
import { SECRET_MASK } from './mask.js';

/**
 * The render model of a driver's configuration form: one {@link FormField} per descriptor entry,
 * in descriptor order, with labels and descriptions resolved for `locale`.
 */
export function renderForm(
  descriptor: readonly PropertyDescriptor[],
  messages: MessageCatalog | undefined,
  locale: string,
): readonly FormField[] {
  return descriptor.map((p) => {
    const masked = p.secret === true;
    const field: FormField = {
      key: p.key,
      label: resolveMessage(messages, locale, p.labelKey) ?? p.key,
      description: p.descriptionKey
        ? (resolveMessage(messages, locale, p.descriptionKey) ?? p.descriptionKey)
        : '',
      type: p.type,
      required: p.required === true,
      ...(p.maxLength === undefined ? {} : { maxLength: p.maxLength }),
      ...(p.default === undefined ? {} : { default: masked ? SECRET_MASK : p.default }),
      masked,
    };
    return Object.freeze(field);
  });
}
