"""xinfang: petition (信访) case management."""
