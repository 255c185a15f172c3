/**
 * Vite build for the agent console. `npm run build:console` writes `agent-console/dist`, which the
 * platform server serves at `/`; `npm run dev:console` serves the sources with hot reload and forwards
 * API, socket.io and Twilio traffic to a platform started with `npm start` on port 3000.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const consoleRoot = fileURLToPath(new URL('.', import.meta.url));
const platformUrl = process.env['CONSOLE_PROXY_TARGET'] ?? 'http://127.0.0.1:3000';

/** Vendor groups kept in their own chunks so a console change does not bust the cached libraries. */
const vendorChunks: Array<{ name: string; test: RegExp; priority: number }> = [
  { name: 'echarts', test: /node_modules[\\/](echarts|zrender)[\\/]/, priority: 40 },
  // The Voice SDK is loaded only in Twilio mode (softphone); kept out of the vendor chunk every page loads.
  { name: 'twilio-voice', test: /node_modules[\\/](@twilio|events)[\\/]/, priority: 35 },
  { name: 'react', test: /node_modules[\\/](react|react-dom|scheduler|react-router|react-router-dom)[\\/]/, priority: 30 },
  { name: 'antd', test: /node_modules[\\/](antd|@ant-design|@rc-component|rc-[^\\/]+|@emotion|stylis|dayjs)[\\/]/, priority: 20 },
  { name: 'vendor', test: /node_modules[\\/]/, priority: 10 },
];

export default defineConfig({
  root: consoleRoot,
  base: '/',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
    // antd alone is ~1 MB before gzip; the split below keeps every chunk cacheable on its own.
    chunkSizeWarningLimit: 1200,
    rolldownOptions: {
      output: {
        codeSplitting: { groups: vendorChunks },
      },
    },
  },
  server: {
    proxy: {
      '/api': { target: platformUrl, changeOrigin: false },
      '/socket.io': { target: platformUrl, ws: true },
      '/twilio': { target: platformUrl },
    },
  },
  preview: {
    proxy: {
      '/api': { target: platformUrl },
      '/socket.io': { target: platformUrl, ws: true },
    },
  },
});
