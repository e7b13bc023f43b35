/**
 * Offer content as it travels in a model document or from a backend. It is
 * data, never code: the renderer treats every string as text, allows only
 * http(s) URLs and never evaluates anything.
 */

/** A call to action inside an offer. */
export interface OfferAction {
  /** Button text. */
  label: string;
  /** Where the button leads: http(s) or a same-site path only. */
  url?: string;
}

/** What an exit-intent offer shows. */
export interface OfferContent {
  /** Dialog heading (its accessible name). */
  title: string;
  /** Plain-text body. */
  body?: string;
  /** Discount or voucher code shown to copy. */
  code?: string;
  /** Primary action. */
  action?: OfferAction;
  /** Optional image URL (http(s) only). */
  image?: string;
}
