/**
 * Entry of `dist/onetoone-dialog.min.js`: publishes the dialog for the core
 * script, which loads this file only when an offer is to be shown.
 */
import { openDialog } from './dialog.js';

window.OneToOneDialog = openDialog;
