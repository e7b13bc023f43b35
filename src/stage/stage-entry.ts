/**
 * Entry of `dist/onetoone-stage.min.js`: publishes the second stage for the
 * core script, which loads this file right after the page's first decisions.
 */
import { STAGE } from './stage.js';

window.OneToOneStage = STAGE;
