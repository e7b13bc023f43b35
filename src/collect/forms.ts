/**
 * Forms: `form_start` on the first input in a form and `form_submit` with the
 * names of its fields, never their values. Attributes are read with
 * `getAttribute` because form properties such as `form.id` can be shadowed by
 * fields of that name.
 */
import { formSearch } from './search.js';
import { type Emit, type Listen, urlPath } from './types.js';

/** A label for a form: its id, its name or where it posts. */
export function formLabel(form: Element): string | undefined {
  return form.getAttribute('id') || form.getAttribute('name') || urlPath(form.getAttribute('action'));
}

/** Names of a form's fields, unique, in document order, at most 25. */
export function fieldNames(form: Element): string[] {
  return [...new Set(Array.from(form.querySelectorAll('input[name],select[name],textarea[name]'), (field) => field.getAttribute('name') as string))].slice(0, 25);
}

/** Watches forms in `doc`; `forms` switches start/submit events, `search` form searches by `param`. */
export function watchForms(emit: Emit, on: Listen, doc: Document, forms: boolean, search: boolean, param: string): void {
  const started = new WeakSet<Element>();
  if (forms) {
    on(doc, 'input', ({ target }) => {
      const form = (target as HTMLInputElement).form;
      if (form && !started.has(form)) started.add(form), emit({ name: 'form_start', props: { form: formLabel(form) } });
    });
  }
  on(doc, 'submit', ({ target }) => {
    const form = target as HTMLFormElement;
    const found = search && formSearch(form, param);
    if (found) emit(found);
    if (forms) emit({ name: 'form_submit', props: { form: formLabel(form), fields: fieldNames(form) } });
  });
}
