"""Ratings: a worker's score and comment after a visit, staff and keeper replies, satisfaction follow-up."""
