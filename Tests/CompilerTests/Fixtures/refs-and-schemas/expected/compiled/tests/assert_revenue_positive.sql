select * from "dev_finance"."revenue_by_customer" where id < 0
