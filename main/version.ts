import pkg from '../package.json'

/** The app's version, from package.json (the single place it is written; bundled into the desktop build). */
export const APP_VERSION: string = pkg.version
export const APP_NAME = 'OT Workbench'
