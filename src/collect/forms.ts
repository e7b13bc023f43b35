/**
 * Forms: `form_start` on the first input in a form and `form_submit` with the
 * names of its fields, never their values. Attributes are read with
 * `getAttribute` because form properties such as `form.id` can be shadowed by
 * fields of that name.
 */
import { formSearch } from './search.js';
import { type Collector, urlPath } from './types.js';

/** Most field names reported per form. */
const FIELD_NAMES = 25;

/** A label for a form: its id, its name or where it posts. */
export function formLabel(form: Element): string | undefined {
  return form.getAttribute('id') || form.getAttribute('name') || urlPath(form.getAttribute('action'), form.ownerDocument.baseURI);
}

/** Names of a form's fields, unique, in document order. */
export function fieldNames(form: Element): string[] {
  const names = new Set<string>();
  form.querySelectorAll('input[name],select[name],textarea[name]').forEach((field) => names.add(field.getAttribute('name') as string));
  return Array.from(names).slice(0, FIELD_NAMES);
}

/** Watches forms in `doc`; `forms` switches start/submit events, `search` form searches by `param`. */
export function watchForms(c: Collector, doc: Document, forms: boolean, search: boolean, param: string): void {
  const started = new WeakSet<Element>();
  const props = (form: HTMLFormElement): Record<string, unknown> => ({ form: formLabel(form) });
  if (forms) {
    c.on(doc, 'input', (event) => {
      const form = (event.target as HTMLInputElement).form;
      if (form && !started.has(form)) started.add(form), c.emit({ name: 'form_start', props: props(form) });
    });
  }
  c.on(doc, 'submit', (event) => {
    const form = event.target as HTMLFormElement;
    const found = search && formSearch(form, param);
    if (found) c.emit(found);
    if (forms) c.emit({ name: 'form_submit', props: { ...props(form), fields: fieldNames(form) } });
  });
}
