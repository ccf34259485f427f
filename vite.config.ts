import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// `vite build` makes the production renderer (dist/renderer, no dev dock);
// `vite build --mode demo` makes the demo/development one (dist/renderer-demo, with the dock).
export default defineConfig(({ mode }) => {
  const demo = mode === 'demo';
  return {
    root: 'src/renderer',
    base: './',
    plugins: [react()],
    define: { __DEV_DOCK__: JSON.stringify(demo) },
    build: {
      outDir: demo ? '../../dist/renderer-demo' : '../../dist/renderer',
      emptyOutDir: true,
      sourcemap: true,
      target: 'es2022',
      chunkSizeWarningLimit: 1024,
    },
  };
});
