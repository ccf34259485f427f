/** True in demo/development builds only; production builds compile the dev dock out. */
declare const __DEV_DOCK__: boolean;
