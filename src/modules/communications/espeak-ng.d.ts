// The npm package `espeak-ng` (eSpeak NG compiled with Emscripten) ships no types.
declare module "espeak-ng" {
  const ESpeakNG: (options: Record<string, unknown>) => Promise<unknown>;
  export default ESpeakNG;
}
