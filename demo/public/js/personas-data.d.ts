/** Types of `personas-data.js`, for the browser tests that drive the simulator. */

/** One scripted step of a persona's visit. */
export interface Step {
  event: string;
  sku?: string;
  skus?: string[];
  term?: string;
}

/** A scripted visitor. */
export interface Persona {
  id: string;
  name: string;
  summary: string;
  device: 'mobile' | 'desktop' | 'tablet';
  landing: string;
  steps: Step[];
}

/** The personas the simulator offers. */
export const PERSONAS: Persona[];
