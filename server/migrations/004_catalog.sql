-- The storefront's catalog: categories, products, and SKUs (a product's size/colour variants),
-- each SKU with its own price (integer fen) and stock that never goes below zero.
CREATE TABLE categories (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name text NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 16),
  sort integer NOT NULL DEFAULT 0
);

CREATE TABLE products (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  category_id integer NOT NULL REFERENCES categories (id),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 60),
  subtitle text NOT NULL DEFAULT '' CHECK (length(subtitle) <= 120),
  -- Drawn by the mini-program from these two colours: no image downloads.
  cover_from text NOT NULL DEFAULT '#d9c7a0' CHECK (cover_from ~ '^#[0-9a-f]{6}$'),
  cover_to text NOT NULL DEFAULT '#8a6d3b' CHECK (cover_to ~ '^#[0-9a-f]{6}$'),
  -- The spec dimensions in display order (jsonb keeps no key order), e.g. {颜色,尺码}.
  spec_names text[] NOT NULL DEFAULT '{}',
  on_sale boolean NOT NULL DEFAULT true,
  sort integer NOT NULL DEFAULT 0
);
CREATE INDEX products_category ON products (category_id, sort, id) WHERE on_sale;

CREATE TABLE skus (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  product_id integer NOT NULL REFERENCES products (id),
  -- One value per dimension of the product, e.g. {"颜色": "黑", "尺码": "M"}.
  specs jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(specs) = 'object'),
  price integer NOT NULL CHECK (price > 0),
  stock integer NOT NULL CHECK (stock >= 0),
  UNIQUE (product_id, specs)
);
CREATE INDEX skus_product ON skus (product_id);
