/** A refusal with the profile's HTTP status and a sentence a person can act on. */
import { HTTP_STATUS } from '../../protocol/index.js';

export class ApiError extends Error {
  constructor(
    readonly httpStatus: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const badRequest = (message: string) => new ApiError(HTTP_STATUS.badRequest, message);
export const unauthorized = (message: string) => new ApiError(HTTP_STATUS.unauthorized, message);
export const forbidden = (message: string) => new ApiError(HTTP_STATUS.forbidden, message);
export const notFound = (message: string) => new ApiError(HTTP_STATUS.notFound, message);
export const conflict = (message: string) => new ApiError(HTTP_STATUS.conflict, message);
export const payloadTooLarge = (message: string) => new ApiError(HTTP_STATUS.payloadTooLarge, message);
export const insufficientStorage = (message: string) => new ApiError(HTTP_STATUS.insufficientStorage, message);
