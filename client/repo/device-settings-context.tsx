import { defineStoreContext } from '../context/define-context.tsx';
import { createDeviceSettings, type DeviceSettingsStore } from './device-settings.ts';

/** This device's settings (localStorage, never synced): relay link, key, Ollama endpoint, workspace URL. */
const DeviceSettings = defineStoreContext<DeviceSettingsStore>({ use: 'useDeviceSettings', provider: 'DeviceSettingsProvider' }, createDeviceSettings);

export const DeviceSettingsProvider = DeviceSettings.Provider;
export const useDeviceSettings = DeviceSettings.use;
