DROP TABLE IF EXISTS tracker.webhook_dispatch;
DROP TABLE IF EXISTS tracker.webhook_deliveries;
DROP TABLE IF EXISTS tracker.webhook_subscriptions;
