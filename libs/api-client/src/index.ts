export { ApiContractError, ApiError } from './api-error.js';
export {
  createApiClient,
  type ApiClient,
  type ListAuditEventsParams,
  type ListCredentialsParams,
  type ListUsersParams,
  type UserRef,
} from './client.js';
export { apiKey, basic, type ApiClientOptions } from './http.js';
