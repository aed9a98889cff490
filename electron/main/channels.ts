import { API_CHANNEL_PREFIX } from '../../shared/api';

/** The one IPC channel besides the API methods: the system's file dialog for imports. */
export const CHOOSE_IMPORT_PATHS_CHANNEL = `${API_CHANNEL_PREFIX}chooseImportPaths`;
