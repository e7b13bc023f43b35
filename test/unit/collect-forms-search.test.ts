/**
 * Forms and search: form_start and form_submit carry field names only — no
 * value typed into any field (text, e-mail, password, textarea, select,
 * hidden) ever appears in an event; search terms come from the configured
 * URL parameter or a submitted search form, with e-mail addresses masked.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fieldNames, formLabel, watchForms } from '../../src/collect/forms.js';
import { formSearch, searchTerm, urlSearch } from '../../src/collect/search.js';
import { type Recorder, allStrings, recorder } from './collect-helpers.js';

const SECRETS = ['Jane Doe', 'jane@example.com', 'hunter2-PASSWORD', 'my private note', '4111111111111111', 'hidden-token-42', 'opt-secret'];

const type = (selector: string, value: string) => {
  const field = document.querySelector(selector) as HTMLInputElement;
  field.value = value;
  field.dispatchEvent(new Event('input', { bubbles: true }));
};
const submit = (selector: string) => (document.querySelector(selector) as HTMLFormElement).dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));

describe('forms', () => {
  let r: Recorder;
  beforeEach(() => {
    document.body.innerHTML = `
      <form id="signup" action="/account/new?ref=SECRET">
        <input name="name"><input type="email" name="email"><input type="password" name="password">
        <textarea name="note"></textarea><input name="card" autocomplete="cc-number">
        <input type="hidden" name="csrf" value="hidden-token-42">
        <select name="plan"><option value="opt-secret">Pro</option></select>
        <input name="email"><input value="no name">
      </form>
      <form name="newsletter"><input name="nl"></form>
      <form action="/contact?x=1#y"><input name="msg"></form>`;
    r = recorder();
    watchForms(r.emit, r.on, document, true, false, 'q');
  });
  afterEach(() => r.dispose());

  it('records start once per form and submit with field names, never a value', () => {
    type('[name=name]', SECRETS[0] as string);
    type('[name=email]', SECRETS[1] as string);
    type('[name=password]', SECRETS[2] as string);
    type('[name=note]', SECRETS[3] as string);
    type('[name=card]', SECRETS[4] as string);
    submit('#signup');
    expect(r.events).toEqual([
      { name: 'form_start', props: { form: 'signup' } },
      { name: 'form_submit', props: { form: 'signup', fields: ['name', 'email', 'password', 'note', 'card', 'csrf', 'plan'] } },
    ]);
    const recorded = allStrings(r.events).join('\n');
    for (const secret of SECRETS) expect(recorded).not.toContain(secret);
  });

  it('labels forms by id, name or where they post (host and path only)', () => {
    const forms = Array.from(document.forms);
    expect(forms.map(formLabel)).toEqual(['signup', 'newsletter', 'localhost:3000/contact']);
  });

  it('is not fooled by a field named id', () => {
    document.body.innerHTML = '<form action="/x"><input name="id" value="shadow"></form>';
    expect(formLabel(document.forms[0] as HTMLFormElement)).toBe('localhost:3000/x');
  });

  it('caps the field names at 25', () => {
    document.body.innerHTML = `<form>${Array.from({ length: 40 }, (_, i) => `<input name="f${i}">`).join('')}</form>`;
    expect(fieldNames(document.forms[0] as HTMLFormElement)).toHaveLength(25);
  });

  it('records nothing when forms are off', () => {
    r.dispose();
    r = recorder();
    watchForms(r.emit, r.on, document, false, false, 'q');
    type('[name=name]', 'x');
    submit('#signup');
    expect(r.events).toEqual([]);
  });
});

describe('search', () => {
  let r: Recorder | undefined;
  afterEach(() => r?.dispose());

  const terms: Array<[unknown, string | undefined]> = [
    ['  Trail Shoes ', 'trail shoes'],
    ['mail Jane.Doe@Example.com please', 'mail [email] please'],
    ['a@b.c d@e.f', '[email] [email]'],
    ['x'.repeat(300), 'x'.repeat(100)],
    ['   ', undefined],
    [42, undefined],
    [undefined, undefined],
  ];
  it.each(terms)('normalizes %#', (input, expected) => {
    expect(searchTerm(input)).toBe(expected);
  });

  it('reads the configured URL parameter', () => {
    history.replaceState(null, '', '/search?query=Tents+2P&q=other');
    expect(urlSearch(location, 'query')).toEqual({ name: 'search', props: { term: 'tents 2p' } });
    expect(urlSearch(location, 'missing')).toBeUndefined();
  });

  // Forms as data: markup, param, expected search event on submit.
  const forms: Array<[string, string, unknown]> = [
    ['a POST form with a search input', '<form method="post"><input type="search" name="s" value="Stoves"></form>', { name: 'search', props: { term: 'stoves' } }],
    ['a form without method but another field name', '<form><input type="search" name="s" value="Stoves"></form>', { name: 'search', props: { term: 'stoves' } }],
    ['a GET form putting the term in the URL counts once (from the URL)', '<form><input name="q" value="Stoves"></form>', undefined],
    ['a POST form with the param field', '<form method="POST"><input name="q" value="to me@x.de"></form>', { name: 'search', props: { term: 'to [email]' } }],
    ['a form without a search field', '<form method="post"><input name="email" value="a@b.c"></form>', undefined],
    ['an empty term', '<form method="post"><input type="search" value=" "></form>', undefined],
  ];
  it.each(forms)('%s', (_label, html, expected) => {
    document.body.innerHTML = html;
    expect(formSearch(document.forms[0] as HTMLFormElement, 'q')).toEqual(expected);
    r = recorder();
    watchForms(r.emit, r.on, document, false, true, 'q');
    submit('form');
    expect(r.events).toEqual(expected ? [expected] : []);
  });
});
