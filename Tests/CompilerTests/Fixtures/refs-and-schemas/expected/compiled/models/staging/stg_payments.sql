
select id, amount from "dev"."payments" where amount >= 10
