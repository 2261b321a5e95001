variable "vpc_id" {}

variable "admin_cidr" {
  default = "10.0.0.0/8"
}
