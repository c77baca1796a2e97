import { createContext, useContext, type ParentProps } from 'solid-js';
import { createDeviceSettings, type DeviceSettingsStore } from './device-settings.ts';

/** This device's settings (localStorage, never synced): relay link, key, Ollama endpoint, workspace URL. */
const DeviceSettingsContext = createContext<DeviceSettingsStore>();

export function DeviceSettingsProvider(props: ParentProps) {
  const device = createDeviceSettings();
  return <DeviceSettingsContext.Provider value={device}>{props.children}</DeviceSettingsContext.Provider>;
}

export function useDeviceSettings(): DeviceSettingsStore {
  const device = useContext(DeviceSettingsContext);
  if (!device) throw new Error('useDeviceSettings outside DeviceSettingsProvider');
  return device;
}
