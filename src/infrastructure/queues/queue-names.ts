/** Every BullMQ queue. Job ids must not contain ':' (BullMQ 6). */
export const QUEUES = {
  system: 'system',
  certificates: 'certificates',
  notifications: 'notifications',
  reminders: 'reminders',
} as const;
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];
