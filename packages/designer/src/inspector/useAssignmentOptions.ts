import type { AssignmentOptions } from '@exflow/shared';
import { useEffect, useState } from 'react';
import type { ApiClient } from '../api/client.js';
import { useApi } from '../api/ApiProvider.js';

// one request per signed-in client, shared by every task the inspector shows
const loaded = new WeakMap<ApiClient, Promise<AssignmentOptions>>();

/** The tenant's known queues and the roles that work tasks (`GET /assignment-options`); `null` while loading or when it failed. */
export function useAssignmentOptions(): AssignmentOptions | null {
  const { api } = useApi();
  const [options, setOptions] = useState<AssignmentOptions | null>(null);
  useEffect(() => {
    let live = true;
    let request = loaded.get(api);
    if (!request) {
      request = api.assignmentOptions();
      loaded.set(api, request);
      request.catch(() => loaded.delete(api));
    }
    request.then(
      (o) => live && setOptions(o),
      () => live && setOptions(null),
    );
    return () => {
      live = false;
    };
  }, [api]);
  return options;
}
