#!/usr/bin/env python3
"""Writes the raw data of Company X (the warehouse's seeds) at any size, deterministically.

usage: scripts/generate_shop.py --out DIR [--orders N]

The same --orders always gives byte-identical files, written to DIR/seeds/. The committed seeds
are `--orders 1000 --out .` (the repository root); benchmarks use up to 1,000,000+. Writing
over the committed seeds must be asked for by naming the repository root as --out.

The data is dirty on purpose, as DOMAIN.md asks, in two ways:
- in bulk, at fixed rates: duplicated rows, three date formats, decimal commas, e-mails in
  mixed case with spaces, country names instead of codes, mis-encoded accents, category casing;
- hand-made rows appended after the bulk, one per kind that staging must reject (each named
  in DIRTY below), so every kind is present at every size.
"""

import argparse
import csv
import datetime
import json
import os
import unicodedata

FIRST_DAY = 738521  # date(2023, 1, 1).toordinal()
LAST_DAY = 739251  # date(2024, 12, 31).toordinal()

CATEGORIES = {
    # category: (spellings seen in the catalogue, price range, product nouns)
    "electronics": (["Electronics", "electronics", "ELECTRONICS"], (9, 900),
                    ["USB-C cable", "Headphones", "Phone charger", "Monitor", "Keyboard",
                     "Webcam", "Speaker", "Power bank"]),
    "furniture": (["Furniture", "furniture", " Furniture "], (40, 1200),
                  ["Desk chair", "Bookshelf", "Standing desk", "Sofa", "Lamp", "Side table"]),
    "groceries": (["Groceries", "groceries", "Grocery"], (2, 40),
                  ["Coffee beans 1kg", "Olive oil", "Green tea", "Dark chocolate", "Pasta",
                   "Honey"]),
    "clothing": (["Clothing", "clothing", "CLOTHING"], (8, 250),
                 ["Rain jacket", "T-shirt", "Sneakers", "Wool scarf", "Jeans", "Hoodie"]),
    "books": (["Books", "books", "Book"], (6, 60),
              ["Swift in Depth", "SQL Antipatterns", "The Data Warehouse Toolkit",
               "Designing Data-Intensive Applications", "Clean Code", "Refactoring"]),
}
ADJECTIVES = ["Classic", "Pro", "Eco", "Compact", "Deluxe", "Basic", "Premium", "Travel"]

# country code: (ways the CRM spells it, cities)
COUNTRIES = {
    "BR": (["Brazil", "BR", "Brasil", "br"], ["São Paulo", "Rio de Janeiro", "Belo Horizonte"]),
    "FR": (["France", "FR", "fr"], ["Lyon", "Paris", "Besançon"]),
    "DE": (["Germany", "DE", "Deutschland"], ["Berlin", "München", "Köln"]),
    "US": (["USA", "United States", "U.S.A.", "US"], ["New York", "Austin", "Seattle"]),
    "GB": (["United Kingdom", "UK", "GB", "Great Britain"], ["London", "Manchester"]),
    "ES": (["Spain", "España", "ES"], ["Málaga", "Sevilla", "Madrid"]),
    "PT": (["Portugal", "PT"], ["Lisboa", "Porto"]),
    "IT": (["Italy", "Italia", "IT"], ["Milano", "Torino", "Roma"]),
}
COUNTRY_WEIGHTS = {"BR": 14, "FR": 16, "DE": 18, "US": 20, "GB": 12, "ES": 8, "PT": 5, "IT": 7}
FIRST_NAMES = ["Ana", "Bob", "Clara", "David", "Emma", "Felix", "Giulia", "Hugo", "Inês", "Jonas",
               "Karin", "Lucas", "Marta", "Nils", "Olivia", "Paulo", "Quentin", "Rosa", "Sven",
               "Tomás", "Ursula", "Victor", "Wen", "Yara", "Zoé"]
LAST_NAMES = ["Silva", "Martin", "Weiss", "Smith", "Rossi", "García", "Müller", "Dubois", "Costa",
              "Brown", "Schmidt", "Ferreira", "Moreau", "Jones", "Bianchi", "López"]
DOMAINS = ["example.com", "mail.example", "post.example.org"]
STATUSES = [("completed", 80), ("shipped", 9), ("placed", 5), ("cancelled", 6)]


class Random:
    """A small LCG (Numerical Recipes' 64-bit constants): the same numbers on every Python."""

    def __init__(self, seed):
        self.state = seed

    def unit(self):
        self.state = (self.state * 6364136223846793005 + 1442695040888963407) % (1 << 64)
        return (self.state >> 11) / float(1 << 53)

    def below(self, n):
        return int(self.unit() * n)

    def choice(self, items):
        return items[self.below(len(items))]

    def weighted(self, pairs):
        total = sum(weight for _, weight in pairs)
        pick = self.unit() * total
        for item, weight in pairs:
            pick -= weight
            if pick < 0:
                return item
        return pairs[-1][0]

    def chance(self, rate):
        return self.unit() < rate


def iso(day):
    year, month, dom = civil(day)
    return f"{year:04d}-{month:02d}-{dom:02d}"


def civil(ordinal):
    value = datetime.date.fromordinal(ordinal)
    return value.year, value.month, value.day


def written_date(day, rng, with_time):
    """A date in one of the export's three formats."""
    year, month, dom = civil(day)
    form = rng.below(10)
    if form < 7:
        text = f"{year:04d}-{month:02d}-{dom:02d}"
        if with_time:
            text += f" {rng.below(24):02d}:{rng.below(60):02d}:{rng.below(60):02d}"
        return text
    if form < 9:
        return f"{dom:02d}/{month:02d}/{year:04d}"
    return f"{year:04d}{month:02d}{dom:02d}"


def written_amount(value, rng):
    text = f"{value:.2f}"
    return text.replace(".", ",") if rng.chance(0.15) else text


def mis_encoded(text):
    """UTF-8 bytes read as Latin-1: "São Paulo" becomes "SÃ£o Paulo"."""
    return text.encode("utf-8").decode("latin-1")


def generate(orders_wanted):
    rng = Random(20240101)
    product_count = max(50, orders_wanted // 2000)
    customer_count = max(300, orders_wanted // 3)

    products = []
    names = list(CATEGORIES)
    for product_id in range(1, product_count + 1):
        category = names[(product_id - 1) % len(names)]
        spellings, (low, high), nouns = CATEGORIES[category]
        noun = nouns[((product_id - 1) // len(names)) % len(nouns)]
        adjective = ADJECTIVES[((product_id - 1) // (len(names) * len(nouns))) % len(ADJECTIVES)]
        price = round(low + (high - low) * rng.unit() ** 2, 2)
        products.append({"product_id": product_id, "name": f"{adjective} {noun}",
                         "category": rng.choice(spellings), "list_price": price})
    list_price = {p["product_id"]: p["list_price"] for p in products}
    # Popular products sell more: the weight falls with the id.
    product_pairs = [(p["product_id"], 1.0 / (1 + (p["product_id"] - 1) % 17)) for p in products]
    cumulative = []
    total = 0.0
    for product_id, weight in product_pairs:
        total += weight
        cumulative.append((total, product_id))

    def pick_product():
        pick = rng.unit() * total
        low, high = 0, len(cumulative) - 1
        while low < high:
            middle = (low + high) // 2
            if cumulative[middle][0] < pick:
                low = middle + 1
            else:
                high = middle
        return cumulative[low][1]

    customers = []
    signup_day = {}
    country_pairs = list(COUNTRY_WEIGHTS.items())
    for customer_id in range(1, customer_count + 1):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        code = rng.weighted(country_pairs)
        spellings, cities = COUNTRIES[code]
        city = rng.choice(cities)
        if city != city.encode("ascii", "ignore").decode() and rng.chance(0.3):
            city = mis_encoded(city)
        local = unicodedata.normalize("NFKD", f"{first}.{last}{customer_id}")
        local = local.encode("ascii", "ignore").decode().lower()
        email = f"{local}@{rng.choice(DOMAINS)}"
        if rng.chance(0.1):
            email = email.upper() if rng.chance(0.5) else email.capitalize()
        if rng.chance(0.05):
            email = f" {email} "
        # Most customers signed up early; each orders at any time after, so orders spread over
        # both years and grow towards the end.
        day = FIRST_DAY + int((LAST_DAY - 30 - FIRST_DAY) * rng.unit() ** 1.8)
        signup_day[customer_id] = day
        birth = None if rng.chance(0.05) else iso(FIRST_DAY - 365 * (18 + rng.below(55)) - rng.below(365))
        row = {"customer_id": customer_id, "email": email, "full_name": f"{first} {last}",
               "city": city, "country": rng.choice(spellings), "birth_date": birth,
               "signed_up_at": written_date(day, rng, with_time=False)}
        customers.append(row)
        if rng.chance(0.01):
            customers.append(dict(row))  # exported twice

    orders, lines = [], []
    line_id = 0
    # Some customers order often, most rarely, many never.
    buyers = [(customer_id, 1.0 / (1 + customer_id % 23)) for customer_id in range(1, customer_count + 1)
              if customer_id % 7 != 0]
    buyer_total = sum(weight for _, weight in buyers)
    buyer_cumulative = []
    running = 0.0
    for customer_id, weight in buyers:
        running += weight
        buyer_cumulative.append((running, customer_id))

    def pick_buyer():
        pick = rng.unit() * buyer_total
        low, high = 0, len(buyer_cumulative) - 1
        while low < high:
            middle = (low + high) // 2
            if buyer_cumulative[middle][0] < pick:
                low = middle + 1
            else:
                high = middle
        return buyer_cumulative[low][1]

    for order_id in range(1, orders_wanted + 1):
        customer_id = pick_buyer()
        start = signup_day[customer_id]
        day = start + rng.below(LAST_DAY - start + 1)
        status = rng.weighted(STATUSES)
        written_status = rng.choice([status, status.capitalize(), f" {status}", status.upper()])
        row = {"order_id": order_id, "customer_id": customer_id,
               "ordered_at": written_date(day, rng, with_time=True), "status": written_status}
        orders.append(row)
        if rng.chance(0.01):
            orders.append(dict(row))
        for _ in range(1 + rng.below(4)):
            line_id += 1
            product_id = pick_product()
            price = list_price[product_id]
            if rng.chance(0.2):
                price = round(price * 0.9, 2)  # a discount
            quantity = 1 + int(4 * rng.unit() ** 2)
            kind = rng.unit()
            if kind < 0.002:
                quantity = -quantity  # a return typed as a sale
            elif kind < 0.003:
                price = round(price * 1000, 2)  # price typed in the wrong unit
            elif kind < 0.004:
                product_id = product_count + 1 + rng.below(100)  # not in the catalogue
            line = {"order_line_id": line_id, "order_id": order_id, "product_id": product_id,
                    "quantity": quantity, "unit_price": written_amount(price, rng)}
            lines.append(line)
            if rng.chance(0.01):
                lines.append(dict(line))

    # Hand-made rows, one per kind that cannot be cleaned, after the bulk (ids above it).
    next_customer = customer_count + 1
    next_order = orders_wanted + 1
    next_line = line_id + 1
    dirty_customers = [
        {"customer_id": None, "email": "ghost@example.com", "full_name": "No Id",
         "city": "Lyon", "country": "France", "birth_date": None, "signed_up_at": "2024-03-01"},
        {"customer_id": next_customer, "email": "atlantis@example.com", "full_name": "Kai Nemo",
         "city": "Poseidonis", "country": "Atlantis", "birth_date": "1990-01-01",
         "signed_up_at": "2024-03-01"},
        {"customer_id": next_customer + 1, "email": "feb@example.com", "full_name": "Leap Year",
         "city": "Paris", "country": "FR", "birth_date": "1990-01-01",
         "signed_up_at": "31/02/2024"},
    ]
    dirty_orders = [
        {"order_id": next_order, "customer_id": None, "ordered_at": "2024-05-05",
         "status": "completed"},
        {"order_id": next_order + 1, "customer_id": customer_count + 500, "ordered_at": "2024-05-06",
         "status": "completed"},
        {"order_id": next_order + 2, "customer_id": 1, "ordered_at": "yesterday",
         "status": "completed"},
        {"order_id": next_order + 3, "customer_id": 1, "ordered_at": "2024-05-07",
         "status": "lost in space"},
    ]
    dirty_lines = [
        {"order_line_id": next_line, "order_id": 1, "product_id": 1, "quantity": -3,
         "unit_price": "10.00"},
        {"order_line_id": next_line + 1, "order_id": 1, "product_id": 1, "quantity": 1,
         "unit_price": f"{list_price[1] * 1000:.2f}"},
        {"order_line_id": next_line + 2, "order_id": 1, "product_id": product_count + 999,
         "quantity": 1, "unit_price": "5.00"},
        {"order_line_id": next_line + 3, "order_id": 1, "product_id": 2, "quantity": None,
         "unit_price": "5.00"},
        {"order_line_id": next_line + 4, "order_id": 1, "product_id": 2, "quantity": 1,
         "unit_price": "five"},
        {"order_line_id": next_line + 5, "order_id": next_order + 50, "product_id": 2,
         "quantity": 1, "unit_price": "5.00"},
    ]
    dirty_products = [
        dict(products[0]),  # the catalogue lists a product twice
        {"product_id": product_count + 1000, "name": "Mystery box", "category": None,
         "list_price": 10.0},
    ]
    erasures = [{"customer_id": 42, "requested_at": "2024-11-15"}]
    return {
        "customers": customers + dirty_customers,
        "orders": orders + dirty_orders,
        "lines": lines + dirty_lines,
        "products": products + dirty_products,
        "erasures": erasures,
    }


def write_csv(path, fields, rows):
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(fields)
        for row in rows:
            writer.writerow(["" if row[field] is None else row[field] for field in fields])


def main():
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("--orders", type=int, default=1000, help="how many orders to write")
    # Required: a default of the repository root overwrote the committed seeds by surprise.
    parser.add_argument("--out", required=True,
                        help="project folder whose seeds/ receives the files "
                             "(`.` in the repository root rewrites the committed seeds)")
    arguments = parser.parse_args()
    data = generate(arguments.orders)
    seeds = os.path.join(arguments.out, "seeds")
    os.makedirs(os.path.join(seeds, "crm"), exist_ok=True)
    write_csv(os.path.join(seeds, "crm", "customers.csv"),
              ["customer_id", "email", "full_name", "city", "country", "birth_date", "signed_up_at"],
              data["customers"])
    write_csv(os.path.join(seeds, "raw_orders.csv"),
              ["order_id", "customer_id", "ordered_at", "status"], data["orders"])
    write_csv(os.path.join(seeds, "raw_order_lines.csv"),
              ["order_line_id", "order_id", "product_id", "quantity", "unit_price"], data["lines"])
    with open(os.path.join(seeds, "raw_products.json"), "w", encoding="utf-8") as handle:
        handle.write("[\n")
        handle.write(",\n".join("  " + json.dumps(p, ensure_ascii=False) for p in data["products"]))
        handle.write("\n]\n")
    write_csv(os.path.join(seeds, "gdpr_erasure_requests.csv"), ["customer_id", "requested_at"],
              data["erasures"])
    print(f"{len(data['orders'])} orders, {len(data['lines'])} order lines, "
          f"{len(data['customers'])} customers, {len(data['products'])} products -> {seeds}")


if __name__ == "__main__":
    main()
