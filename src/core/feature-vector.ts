/**
 * The feature vector's type on its own: the model scores it and the feature
 * builders fill it, so neither file has to import the other to name it.
 */

/** A sparse, named feature vector. */
export type Features = Record<string, number>;
