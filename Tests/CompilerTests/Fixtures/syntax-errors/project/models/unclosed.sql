select {{ ref("d") 
from x
