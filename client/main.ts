// Browser client bundle entry (see client/ for the modules).
export {};
