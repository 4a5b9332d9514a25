import { createContext } from 'react';
import type { ApiClient } from '@latchkey/api-client';
import type { RefreshCoordinator } from './refresh-coordinator';

export interface AuthContextValue {
  api: ApiClient;
  coordinator: RefreshCoordinator;
}

export const AuthContext = createContext<AuthContextValue | null>(null);
