"""Who a speaker is: names in parts, labels, officeholders, and the staff's corrections."""
