select year_month, revenue from "analytics_marts"."sales_revenue_by_month"
