export {
  APP_ERROR_RESPONSES,
  ETRADE_ERROR_RESPONSES,
  INTERNAL_ERROR_CODE,
  toErrorResponse,
  type ClientError,
  type ErrorDetails,
  type ErrorResponse,
} from './errorMapping';
export { optionalString, requireBoolean, requireOneOf, requireString, type StringRule } from './fields';
export type { Reply } from './reply';
export { NOT_A_JSON_OBJECT, ROUTE_METHODS, type ParsedRequest, type RouteMethod } from './request';
export { DEFAULT_MAX_BODY_BYTES, httpHandler, type HttpHandlerOptions, type Route } from './route';
