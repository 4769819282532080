import Diagnostics
import Foundation
import Metrics

/// A small semantic layer in dbt's latest spec (orders, customers, a time spine) and its
/// data, for the compiler's tests.
enum MetricFixture {
  static let yaml = """
    models:
      - name: orders
        semantic_model: {enabled: true}
        agg_time_dimension: ordered_at
        columns:
          - name: order_id
            entity: {type: primary, name: order}
          - name: customer_id
            entity: {type: foreign, name: customer}
          - name: ordered_at
            granularity: day
            dimension: {type: time}
          - name: status
            dimension: {type: categorical}
        metrics:
          - {name: revenue, type: simple, agg: sum, expr: amount}
          - {name: order_count, type: simple, agg: count, expr: "1"}
          - {name: buyers, type: simple, agg: count_distinct, expr: customer_id}
          - {name: average_amount, type: simple, agg: average, expr: amount}
          - {name: smallest, type: simple, agg: min, expr: amount}
          - {name: largest, type: simple, agg: max, expr: amount}
          - {name: median_amount, type: simple, agg: median, expr: amount}
          - {name: p90_amount, type: simple, agg: percentile, percentile: 0.9, expr: amount,
             percentile_type: discrete}
          - {name: large_orders, type: simple, agg: sum_boolean, expr: amount >= 100}
          - name: shipped_revenue
            type: simple
            agg: sum
            expr: amount
            filter: "{{ Dimension('order__status') }} = 'shipped'"
          - {name: revenue_per_order, type: ratio, numerator: revenue, denominator: order_count}
          - {name: p90_continuous, type: simple, agg: percentile, percentile: 0.9, expr: amount,
             percentile_type: continuous}
          - {name: revenue_filled, type: simple, agg: sum, expr: amount, join_to_timespine: true,
             fill_nulls_with: 0}
      - name: customers
        semantic_model: {enabled: true}
        agg_time_dimension: signed_up_at
        columns:
          - name: id
            entity: {type: primary, name: customer}
          - name: country
            dimension: {type: categorical}
          - name: signed_up_at
            granularity: day
            dimension: {type: time}
          - name: region_id
            entity: {type: foreign, name: region}
        metrics:
          - {name: signups, type: simple, agg: count, expr: "1"}
      - name: regions
        semantic_model: {enabled: true}
        columns:
          - name: id
            entity: {type: primary, name: region}
          - name: name
            dimension: {type: categorical}
      - name: days
        time_spine: {standard_granularity_column: day}
        columns:
          - {name: day, granularity: day}
    metrics:
      - name: revenue_growth
        type: derived
        expr: revenue - revenue_before
        input_metrics:
          - name: revenue
          - {name: revenue, alias: revenue_before, offset_window: 1 month}
      - {name: revenue_to_date, type: cumulative, input_metric: revenue}
      - {name: revenue_mtd, type: cumulative, input_metric: revenue, grain_to_date: month}
      - {name: revenue_7d, type: cumulative, input_metric: revenue, window: 7 days}
      - {name: buyers_to_date, type: cumulative, input_metric: buyers}
      - name: german_revenue
        type: derived
        expr: r
        input_metrics:
          - name: revenue
            alias: r
            filter: "{{ Dimension('customer__country') }} = 'DE'"
    """

  /// A second properties file: conversion metrics and a grain-to-date offset.
  static let moreYAML = """
    metrics:
      - name: signup_conversion_7d
        type: conversion
        entity: customer
        calculation: conversion_rate
        base_metric: signups
        conversion_metric: order_count
        window: 7 days
      - name: signup_orders
        type: conversion
        entity: customer
        calculation: conversions
        base_metric: signups
        conversion_metric: order_count
      - name: revenue_at_year_start
        type: derived
        expr: r
        input_metrics:
          - {name: revenue, alias: r, offset_to_grain: year}
    """

  /// Tables the relations point at, in `schema`.
  static func setupSQL(schema: String) -> String {
    """
    create schema \(schema);
    create table \(schema).orders (order_id int, customer_id int, ordered_at date, status text,
      amount numeric);
    insert into \(schema).orders values
      (1, 1, '2024-01-05', 'shipped', 100), (2, 2, '2024-01-20', 'placed', 50),
      (3, 1, '2024-02-03', 'shipped', 30), (4, 3, '2024-02-10', 'shipped', 200),
      (5, 2, '2024-03-15', 'placed', 20);
    create table \(schema).customers (id int, country text, signed_up_at date, region_id int);
    insert into \(schema).customers values (1, 'DE', '2024-01-01', 1), (2, 'FR', '2024-01-15', 2),
      (3, 'DE', '2024-02-01', 1), (4, 'ES', '2024-03-01', 2);
    create table \(schema).regions (id int, name text);
    insert into \(schema).regions values (1, 'north'), (2, 'south');
    create table \(schema).days as
      select d::date as day from generate_series('2024-01-01'::date, '2024-12-31', '1 day') d;
    """
  }

  /// `more` defaults to `moreYAML` beside the fixture's own YAML, to nothing beside others.
  static func manifest(_ yaml: String = yaml, more: String? = nil) -> (
    SemanticManifest, [Diagnostic]
  ) {
    let more = more ?? (yaml == Self.yaml ? moreYAML : "")
    let sink = CollectingSink()
    let manifest = SemanticReader.read(
      [
        SourceFile(path: "models/metrics.yml", text: yaml),
        SourceFile(path: "models/more.yml", text: more),
      ], sink: sink)
    return (manifest, sink.diagnostics)
  }

  static func compiler(schema: String) -> MetricCompiler {
    MetricCompiler(manifest: manifest().0) { "\"\(schema)\".\"\($0)\"" }
  }
}
