-- Products as ordered: a snapshot of the catalog entry (figures, sources, status) the first time an
-- order names it, so stored orders and decisions keep the figures they were decided on even if
-- data/chips.csv changes later. Keyed by product id and the sha256 of the entry.
CREATE TABLE products (
  id text PRIMARY KEY,
  name text NOT NULL,
  vendor text NOT NULL,
  spec jsonb NOT NULL,
  entry_hash text NOT NULL,
  doc jsonb NOT NULL,
  recorded_at timestamptz NOT NULL
);

ALTER TABLE orders ADD CONSTRAINT orders_product FOREIGN KEY (product_id) REFERENCES products (id);
