select * from "crm_raw"."tbl_customers"
