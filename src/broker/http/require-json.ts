// Refuses bodies that are not JSON before a route looks at them.
import type { RequestHandler } from 'express';
import { UnsupportedMediaTypeError } from './http-errors.ts';

/** Requires `Content-Type: application/json` (a missing body counts as the wrong type). */
export const requireJson: RequestHandler = (req, _res, next) => {
  if (!req.is('application/json')) throw new UnsupportedMediaTypeError('application/json');
  next();
};
