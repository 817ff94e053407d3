// The shell's cookie names, in a module that imports nothing, so capability routes can set them
// without importing the app (which imports every module: a circle).
// The session cookie's name lives with the sessions (src/modules/accounts/sessions.ts).

export const CSRF_COOKIE = "mc_csrf";
export const LANG_COOKIE = "mc_lang";
