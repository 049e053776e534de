export * from './text.js';
export * from './company-name.js';
export * from './domain.js';
export * from './email.js';
export * from './phone.js';
export * from './person-name.js';
